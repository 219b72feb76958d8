"""Streamlit building blocks too large for a page (forms, panels): UI only, every rule is in geo/."""
