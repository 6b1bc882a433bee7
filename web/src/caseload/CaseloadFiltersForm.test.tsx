import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Programme } from "../api/types";
import { I18nProvider } from "../i18n";
import { CaseloadFiltersForm } from "./CaseloadFiltersForm";
import { EMPTY_FILTERS } from "./filters";

afterEach(cleanup);

const programmes = [
  { code: "kobenhavnermodellen", name_da: "Københavnermodellen", name_en: "The Copenhagen model" },
  { code: "jobdansk", name_da: "Jobdansk", name_en: "Job Danish" },
] as unknown as Programme[];

function setup() {
  const onApply = vi.fn();
  render(
    <I18nProvider>
      <CaseloadFiltersForm value={EMPTY_FILTERS} programmes={programmes} onApply={onApply} />
    </I18nProvider>,
  );
  return onApply;
}

describe("<CaseloadFiltersForm>", () => {
  it("applies the chosen filters", () => {
    const onApply = setup();
    fireEvent.change(screen.getByLabelText("Indsats"), { target: { value: "jobdansk" } });
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "paused" } });
    fireEvent.click(screen.getByLabelText("Kun med overskredne frister"));
    fireEvent.change(screen.getByLabelText("Ingen notat i mindst (dage)"), { target: { value: " 60 " } });
    fireEvent.click(screen.getByRole("button", { name: "Vis" }));
    expect(onApply).toHaveBeenCalledWith({ programme: "jobdansk", status: "paused", overdueOnly: true, silentDays: "60" });
  });

  it("shows the error beside the days field and applies nothing", () => {
    const onApply = setup();
    const days = screen.getByLabelText("Ingen notat i mindst (dage)");
    fireEvent.change(days, { target: { value: "0" } });
    fireEvent.click(screen.getByRole("button", { name: "Vis" }));
    expect(onApply).not.toHaveBeenCalled();
    expect(days.getAttribute("aria-invalid")).toBe("true");
    const describedBy = days.getAttribute("aria-describedby") ?? "";
    const error = document.getElementById(describedBy.split(" ").find((id) => id.endsWith("-error"))!);
    expect(error?.textContent).toContain("Skriv et helt antal dage mellem 1 og 3650.");
  });

  it("offers only the statuses an open caseload can hold", () => {
    setup();
    const options = Array.from((screen.getByLabelText("Status") as HTMLSelectElement).options).map((o) => o.value);
    expect(options).toEqual(["", "referred", "active", "paused"]);
  });

  it("resets to no filters", () => {
    const onApply = setup();
    fireEvent.click(screen.getByLabelText("Kun med overskredne frister"));
    fireEvent.click(screen.getByRole("button", { name: "Nulstil" }));
    expect(onApply).toHaveBeenCalledWith(EMPTY_FILTERS);
    expect((screen.getByLabelText("Kun med overskredne frister") as HTMLInputElement).checked).toBe(false);
  });
});
