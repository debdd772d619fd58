"""Receipts and the printer: the document model, its renderers (plain text, ESC/POS text and
raster), printer connections and the print spool. No textual here; Pillow and segno load only
when a receipt is rendered."""
