"""Following up logged needs: statuses and their transitions, due dates, duplicate and retention policy,
statistics, charts and exports.

Pure Python: no Telegram, no database. Submodules are imported one by one on purpose: the storage models
import `casework.model` and must not pull in matplotlib or openpyxl with it.
"""
