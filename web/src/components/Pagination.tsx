import { useT } from "../i18n";

/** Keyset paging: previous/next only, one page at a time. */
export function Pagination({
  index, hasNext, onPrevious, onNext, label,
}: { index: number; hasNext: boolean; onPrevious: () => void; onNext: () => void; label: string }) {
  const t = useT();
  if (index === 0 && !hasNext) return null;
  return (
    <nav className="app-pagination" aria-label={label}>
      <button type="button" className="button button-secondary" disabled={index === 0} onClick={onPrevious}>
        {t.app.previousPage}
      </button>
      <span aria-live="polite">{t.app.pageOf(index + 1)}</span>
      <button type="button" className="button button-secondary" disabled={!hasNext} onClick={onNext}>
        {t.app.nextPage}
      </button>
    </nav>
  );
}
