//! A network's summary ([`NetSummary`]) shown in a notebook: its HTML table.
use super::display::emit;
use crate::nets::NetSummary;

impl NetSummary {
    /// Called by evcxr when the summary is the last value of a cell: an HTML table.
    pub fn evcxr_display(&self) {
        emit("text/html", &self.to_html());
    }
}
