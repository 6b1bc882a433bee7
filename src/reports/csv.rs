//! Reports as CSV (`Accept: text/csv`): UTF-8, a header row, and cells that
//! a spreadsheet would take for a formula neutralised.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::error::{ApiError, ApiResult};

/// A report flattened to rows.
pub struct Table {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// Whether the client asked for CSV rather than JSON.
pub fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.split(',').any(|part| part.split(';').next().unwrap_or("").trim() == "text/csv"))
}

/// A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is
/// prefixed with `'` so spreadsheets show it as text (OWASP, CSV injection).
/// A plain number (a negative gap, say) is no formula and stays a number.
pub fn neutralise(cell: &str) -> String {
    let risky = matches!(cell.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    if risky && cell.parse::<f64>().map_or(true, |n| !n.is_finite()) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

pub fn render(table: &Table) -> ApiResult<String> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let internal = |e: ::csv::Error| ApiError::internal(anyhow::anyhow!(e));
    writer.write_record(&table.header).map_err(internal)?;
    for row in &table.rows {
        writer.write_record(row.iter().map(|c| neutralise(c))).map_err(internal)?;
    }
    let bytes = writer.into_inner().map_err(|e| ApiError::internal(anyhow::anyhow!(e.to_string())))?;
    String::from_utf8(bytes).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))
}

/// JSON, or the table as CSV when the client asked for it.
pub fn respond<T: Serialize>(
    req: &HttpRequest, report: &T, table: impl FnOnce(&T) -> Table, filename: &str,
) -> ApiResult<HttpResponse> {
    if wants_csv(req) {
        let body = render(&table(report))?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}.csv\"")))
            .body(body));
    }
    Ok(HttpResponse::Ok().json(report))
}

/// A count as a cell: `suppressed` where the report may not publish it.
pub fn count_cell(count: super::dto::Cell) -> String {
    count.map_or_else(|| "suppressed".to_string(), |n| n.to_string())
}

/// An optional value as a cell ("" when absent).
pub fn cell<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_others_left_alone() {
        for (input, expected) in [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+45 12", "'+45 12"),
            ("-3", "-3"),
            ("-12.5", "-12.5"),
            ("-3+cmd|' /C calc'!A0", "'-3+cmd|' /C calc'!A0"),
            ("+inf", "'+inf"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("Amina", "Amina"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(neutralise(input), expected);
        }
    }
}
