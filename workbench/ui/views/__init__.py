"""Page scripts run by st.navigation (a package so installs ship them; not pages/, which
Streamlit would treat as a legacy multipage folder and run without app.py)."""
