//! Pages of long tables (a label job's packages, a batch's packages): 100 rows a page, with
//! links to the previous and next page.

use minijinja::{Value, context};

/// Rows per page.
pub const PER_PAGE: usize = 100;

/// The rows of page `page` (1-based; out of range reads as the last page) and the pager's
/// context for `macros.pager`.
pub fn window<T>(rows: &[T], page: Option<usize>) -> (&[T], Value) {
    let pages = rows.len().div_ceil(PER_PAGE).max(1);
    let page = page.unwrap_or(1).clamp(1, pages);
    let start = (page - 1) * PER_PAGE;
    let end = (start + PER_PAGE).min(rows.len());
    let pager = context! {
        page, pages, total => rows.len(),
        first => start + 1, last => end,
        prev => (page > 1).then(|| page - 1), next => (page < pages).then(|| page + 1),
    };
    (&rows[start..end], pager)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_row_once() {
        let rows: Vec<usize> = (0..250).collect();
        let (a, _) = window(&rows, None);
        let (b, _) = window(&rows, Some(2));
        let (c, p) = window(&rows, Some(9));
        assert_eq!((a.len(), b.len(), c.len()), (100, 100, 50));
        assert_eq!((a[0], b[0], c[0]), (0, 100, 200));
        assert!(p.get_attr("next").unwrap().is_none(), "no page after the last");
        assert_eq!(window::<usize>(&[], None).0.len(), 0);
    }
}
