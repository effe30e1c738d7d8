"""The workbench's tabs (1–5): each a widget with its own keys, fed by one service."""
