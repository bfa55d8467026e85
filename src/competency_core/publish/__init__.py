"""Publishing a model: an XLSX workbook, an HTML or Markdown handbook, CASE 1.1 interchange.

- :func:`write_workbook`: cover, competency dictionary, scales, role x competency matrix,
  assessment guide, role profiles and (given people) gap sheets with charts;
- :func:`write_handbook`: static pages for an intranet (HTML or Markdown) with guides for
  employees, managers and HR, interview guides and job-description skeletons;
- :func:`export_case` / :func:`write_case` and :func:`import_case` / :func:`read_case`:
  the 1EdTech CASE 1.1 ``CFPackage``, with stable UUIDv5 identifiers;
  :func:`validate_case` checks a package against the published JSON schema.
"""

from competency_core.publish.case import (
    CASE_NAMESPACE,
    case_identifier,
    dumps_case,
    export_case,
    write_case,
)
from competency_core.publish.case_import import (
    ACHIEVEMENT_SCALE,
    CaseImport,
    import_case,
    read_case,
    validate_case,
)
from competency_core.publish.guides import (
    Audience,
    AudienceGuide,
    InterviewGuide,
    InterviewTopic,
    JobDescription,
    audience_guide,
    behavioural_question,
    interview_guide,
    job_description,
)
from competency_core.publish.handbook import HandbookFormat, HandbookSummary, write_handbook
from competency_core.publish.xlsx import WorkbookSummary, write_workbook

__all__ = [
    "ACHIEVEMENT_SCALE",
    "CASE_NAMESPACE",
    "Audience",
    "AudienceGuide",
    "CaseImport",
    "HandbookFormat",
    "HandbookSummary",
    "InterviewGuide",
    "InterviewTopic",
    "JobDescription",
    "WorkbookSummary",
    "audience_guide",
    "behavioural_question",
    "case_identifier",
    "dumps_case",
    "export_case",
    "import_case",
    "interview_guide",
    "job_description",
    "read_case",
    "validate_case",
    "write_case",
    "write_handbook",
    "write_workbook",
]
