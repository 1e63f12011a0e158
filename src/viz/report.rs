//! An evaluation report ([`EvalReport`]) as a [`Table`]: drawn inline in a notebook, saved as
//! `.html`, `.md` or `.csv`.
use super::table::Table;
use crate::metrics::report::EvalReport;

impl EvalReport {
    /// The report as a [`Table`] (metric, generated, real data), its cells as printed, the
    /// title and notes as the caption: `report.table().save("eval.md")?`.
    pub fn table(&self) -> Table {
        Table::from(self)
    }

    /// Called by evcxr when the report is the last value of a cell: the table.
    pub fn evcxr_display(&self) {
        self.table().evcxr_display()
    }
}

impl From<&EvalReport> for Table {
    fn from(report: &EvalReport) -> Table {
        let (a, b, c) = &report.header;
        let mut caption = report.title.clone();
        for note in &report.notes {
            caption.push_str(" · ");
            caption.push_str(note);
        }
        report
            .cells()
            .into_iter()
            .fold(Table::new([a, b, c]).caption(caption), |t, cells| {
                t.row(cells).expect("three cells for three columns")
            })
    }
}
