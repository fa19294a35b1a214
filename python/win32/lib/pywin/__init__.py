"""pywin: the parts of Pythonwin's package that non-GUI programs use here
(pywin.mfc.object, the wrapper DDE servers subclass)."""
