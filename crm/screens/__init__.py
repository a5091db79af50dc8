"""Screens: the main screen and the modal forms and dialogs."""
