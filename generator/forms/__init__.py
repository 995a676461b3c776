"""Spreadsheet forms for units that report without git: ``form`` writes them, ``import`` reads them."""
