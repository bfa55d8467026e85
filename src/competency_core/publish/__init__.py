"""Publishing a model: an XLSX workbook, an HTML or Markdown handbook, CASE 1.1 interchange.

- :func:`write_workbook`: cover, competency dictionary, scales, role x competency matrix,
  assessment guide, role profiles and (given people) gap sheets with charts;
- :func:`write_handbook`: static pages for an intranet (HTML or Markdown) with guides for
  employees, managers and HR, interview guides and job-description skeletons, and the
  release kit's pages;
- :func:`release_kit`: the :class:`ReleaseKit` (value per audience, FAQs, communication
  plan, training for HR and managers, contact, adoption targets) as data;
- :func:`untranslated_texts`: the model's own texts that have no translation in the
  language a publication is written in (the project's wording comes from the catalogues
  of :mod:`competency_core.i18n`);
- :func:`export_case` / :func:`write_case` / :func:`build_case` and :func:`import_case` /
  :func:`read_case`: the 1EdTech CASE 1.1 ``CFPackage``, with stable UUIDv5 identifiers (or
  the package's own, for a model imported from CASE) and a :class:`CaseReport` of what was
  dropped or reinterpreted;
  :func:`validate_case` checks a package against the published JSON schema.
"""

from typing import TYPE_CHECKING

from competency_core._lazy import lazy_exports

if TYPE_CHECKING:
    from competency_core.publish.case import (
        CASE_NAMESPACE as CASE_NAMESPACE,
    )
    from competency_core.publish.case import (
        CaseExport as CaseExport,
    )
    from competency_core.publish.case import (
        CaseReport as CaseReport,
    )
    from competency_core.publish.case import (
        CaseReportEntry as CaseReportEntry,
    )
    from competency_core.publish.case import (
        build_case as build_case,
    )
    from competency_core.publish.case import (
        case_identifier as case_identifier,
    )
    from competency_core.publish.case import (
        dumps_case as dumps_case,
    )
    from competency_core.publish.case import (
        export_case as export_case,
    )
    from competency_core.publish.case import (
        write_case as write_case,
    )
    from competency_core.publish.case_import import (
        ACHIEVEMENT_SCALE as ACHIEVEMENT_SCALE,
    )
    from competency_core.publish.case_import import (
        CaseImport as CaseImport,
    )
    from competency_core.publish.case_import import (
        import_case as import_case,
    )
    from competency_core.publish.case_import import (
        read_case as read_case,
    )
    from competency_core.publish.case_import import (
        validate_case as validate_case,
    )
    from competency_core.publish.guides import (
        Audience as Audience,
    )
    from competency_core.publish.guides import (
        AudienceGuide as AudienceGuide,
    )
    from competency_core.publish.guides import (
        InterviewGuide as InterviewGuide,
    )
    from competency_core.publish.guides import (
        InterviewTopic as InterviewTopic,
    )
    from competency_core.publish.guides import (
        JobDescription as JobDescription,
    )
    from competency_core.publish.guides import (
        audience_guide as audience_guide,
    )
    from competency_core.publish.guides import (
        behavioural_question as behavioural_question,
    )
    from competency_core.publish.guides import (
        interview_guide as interview_guide,
    )
    from competency_core.publish.guides import (
        job_description as job_description,
    )
    from competency_core.publish.handbook import (
        HandbookFormat as HandbookFormat,
    )
    from competency_core.publish.handbook import (
        HandbookSummary as HandbookSummary,
    )
    from competency_core.publish.handbook import (
        write_handbook as write_handbook,
    )
    from competency_core.publish.release import (
        ReleaseKit as ReleaseKit,
    )
    from competency_core.publish.release import (
        release_kit as release_kit,
    )
    from competency_core.publish.untranslated import (
        UntranslatedText as UntranslatedText,
    )
    from competency_core.publish.untranslated import (
        untranslated_texts as untranslated_texts,
    )
    from competency_core.publish.xlsx import (
        WorkbookSummary as WorkbookSummary,
    )
    from competency_core.publish.xlsx import (
        write_workbook as write_workbook,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
