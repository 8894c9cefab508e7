//! Trace export.
