"""Publishing a model: an XLSX workbook, an HTML/Markdown handbook, CASE 1.1 interchange."""
