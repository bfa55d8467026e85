"""Pilot, feedback and monitoring analytics: find what is wrong with a model before it ships.

- :mod:`~competency_core.analytics.pilot`: a stratified, seeded pilot group with its
  coverage report.
- :mod:`~competency_core.analytics.ratings`: pilot ratings, with "cannot rate" and blanks.
- :mod:`~competency_core.analytics.raters`: several raters per person: aggregation (with
  scoring's policies), self vs manager gaps, Krippendorff's alpha per competency.
- :mod:`~competency_core.analytics.icc`: intraclass correlations (Shrout & Fleiss).
- :mod:`~competency_core.analytics.items`: item analysis flags with their numbers and
  suggestions.
- :mod:`~competency_core.analytics.feedback`: feedback capture (clarity, relevance, NPS,
  comments), stored in the store, and summaries.
- :mod:`~competency_core.analytics.monitoring`: coverage, use per period, trends and
  readiness per domain over time.
- :mod:`~competency_core.analytics.report`: pilot and monitoring reports in Markdown,
  HTML (with PNG charts) and JSON.
- :mod:`~competency_core.analytics.simulate`: a seeded simulated pilot.
"""

from typing import TYPE_CHECKING

from competency_core._lazy import lazy_exports

if TYPE_CHECKING:
    from competency_core.analytics.feedback import (
        CompetencyFeedback as CompetencyFeedback,
    )
    from competency_core.analytics.feedback import (
        CompetencyFeedbackSummary as CompetencyFeedbackSummary,
    )
    from competency_core.analytics.feedback import (
        FeedbackFile as FeedbackFile,
    )
    from competency_core.analytics.feedback import (
        FeedbackPhase as FeedbackPhase,
    )
    from competency_core.analytics.feedback import (
        FeedbackSubmission as FeedbackSubmission,
    )
    from competency_core.analytics.feedback import (
        FeedbackSummary as FeedbackSummary,
    )
    from competency_core.analytics.feedback import (
        NetPromoterScore as NetPromoterScore,
    )
    from competency_core.analytics.feedback import (
        load_feedback as load_feedback,
    )
    from competency_core.analytics.feedback import (
        load_feedback_file as load_feedback_file,
    )
    from competency_core.analytics.feedback import (
        net_promoter_score as net_promoter_score,
    )
    from competency_core.analytics.feedback import (
        save_feedback_file as save_feedback_file,
    )
    from competency_core.analytics.feedback import (
        store_feedback as store_feedback,
    )
    from competency_core.analytics.feedback import (
        summarise_feedback as summarise_feedback,
    )
    from competency_core.analytics.icc import (
        IntraclassCorrelation as IntraclassCorrelation,
    )
    from competency_core.analytics.icc import (
        intraclass_correlation as intraclass_correlation,
    )
    from competency_core.analytics.items import (
        Concern as Concern,
    )
    from competency_core.analytics.items import (
        FlagKind as FlagKind,
    )
    from competency_core.analytics.items import (
        ItemAnalysis as ItemAnalysis,
    )
    from competency_core.analytics.items import (
        ItemFlag as ItemFlag,
    )
    from competency_core.analytics.items import (
        ItemStats as ItemStats,
    )
    from competency_core.analytics.items import (
        ItemThresholds as ItemThresholds,
    )
    from competency_core.analytics.items import (
        analyse_items as analyse_items,
    )
    from competency_core.analytics.monitoring import (
        Coverage as Coverage,
    )
    from competency_core.analytics.monitoring import (
        DomainReadiness as DomainReadiness,
    )
    from competency_core.analytics.monitoring import (
        MonitoringReport as MonitoringReport,
    )
    from competency_core.analytics.monitoring import (
        Period as Period,
    )
    from competency_core.analytics.monitoring import (
        PeriodUsage as PeriodUsage,
    )
    from competency_core.analytics.monitoring import (
        Trend as Trend,
    )
    from competency_core.analytics.monitoring import (
        UsageEvent as UsageEvent,
    )
    from competency_core.analytics.monitoring import (
        UsageKind as UsageKind,
    )
    from competency_core.analytics.monitoring import (
        monitor as monitor,
    )
    from competency_core.analytics.pilot import (
        PilotSelection as PilotSelection,
    )
    from competency_core.analytics.pilot import (
        StratumCoverage as StratumCoverage,
    )
    from competency_core.analytics.pilot import (
        select_pilot as select_pilot,
    )
    from competency_core.analytics.raters import (
        AggregatedRating as AggregatedRating,
    )
    from competency_core.analytics.raters import (
        CompetencyAgreement as CompetencyAgreement,
    )
    from competency_core.analytics.raters import (
        GapSummary as GapSummary,
    )
    from competency_core.analytics.raters import (
        RatingGap as RatingGap,
    )
    from competency_core.analytics.raters import (
        RatingGapReport as RatingGapReport,
    )
    from competency_core.analytics.raters import (
        aggregate_ratings as aggregate_ratings,
    )
    from competency_core.analytics.raters import (
        competency_agreement as competency_agreement,
    )
    from competency_core.analytics.raters import (
        krippendorff_alpha as krippendorff_alpha,
    )
    from competency_core.analytics.raters import (
        rating_gaps as rating_gaps,
    )
    from competency_core.analytics.ratings import (
        AnalyticsError as AnalyticsError,
    )
    from competency_core.analytics.ratings import (
        Answer as Answer,
    )
    from competency_core.analytics.ratings import (
        PilotData as PilotData,
    )
    from competency_core.analytics.ratings import (
        PilotRating as PilotRating,
    )
    from competency_core.analytics.ratings import (
        load_pilot_data as load_pilot_data,
    )
    from competency_core.analytics.ratings import (
        ratings_from_workforce as ratings_from_workforce,
    )
    from competency_core.analytics.ratings import (
        save_pilot_data as save_pilot_data,
    )
    from competency_core.analytics.simulate import (
        SimulatedPilot as SimulatedPilot,
    )
    from competency_core.analytics.simulate import (
        SimulationSettings as SimulationSettings,
    )
    from competency_core.analytics.simulate import (
        simulate_pilot as simulate_pilot,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
