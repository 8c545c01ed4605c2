"""Reports a council reads: a declared report + the report period -> resolved figures
(``plan``), as a ``ReportResult`` the report renderers show."""

from maatstaf.reports.plan import plan
from maatstaf.reports.result import ReportResult

__all__ = ["ReportResult", "plan"]
