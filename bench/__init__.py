"""Benchmarks of the CA4 Border Monitor: a tool over the app, not part of its domain layer (geo/).

- `python -m bench e2e --flows-rows N`: the app as a user feels it. Starts `streamlit run app.py` on a
  benchmark database, drives headless Chromium through filter changes and a slide change, and times each
  from the user's action until every chart and map on the page is drawn (bench/e2e.py).
- `python -m bench server --flows-rows N` (also `python -m geo bench`): the key queries, and each page that
  reads flows run under Streamlit's public AppTest (bench/server.py).
- `python -m bench import --rows N`: a valid N-row flows CSV imported through `python -m geo import flows`
  into a fresh SQLite database (bench/importing.py); last line `IMPORT rows=N seconds=X rows_per_s=Y`.
- `python -m bench load --users N [--replicas R|1,2]`: simulated users opening shared links at once over
  Streamlit's websocket protocol, through R replicas behind HAProxy (bench/load.py); per concurrency level
  views/s and p50/p95; last line `LOAD users=N replicas=R views_per_s=X p50_s=Y p95_s=Z errors=E`.

The first two build (or reuse) a database of their own under <var dir>/bench/ (bench/database.py), never the app's.
"""
