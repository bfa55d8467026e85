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

from competency_core.analytics.feedback import (
    CompetencyFeedback,
    CompetencyFeedbackSummary,
    FeedbackFile,
    FeedbackPhase,
    FeedbackSubmission,
    FeedbackSummary,
    NetPromoterScore,
    load_feedback,
    load_feedback_file,
    net_promoter_score,
    save_feedback_file,
    store_feedback,
    summarise_feedback,
)
from competency_core.analytics.icc import IntraclassCorrelation, intraclass_correlation
from competency_core.analytics.items import (
    Concern,
    FlagKind,
    ItemAnalysis,
    ItemFlag,
    ItemStats,
    ItemThresholds,
    analyse_items,
)
from competency_core.analytics.monitoring import (
    Coverage,
    DomainReadiness,
    MonitoringReport,
    Period,
    PeriodUsage,
    Trend,
    UsageEvent,
    UsageKind,
    monitor,
)
from competency_core.analytics.pilot import PilotSelection, StratumCoverage, select_pilot
from competency_core.analytics.raters import (
    AggregatedRating,
    CompetencyAgreement,
    GapSummary,
    RatingGap,
    RatingGapReport,
    aggregate_ratings,
    competency_agreement,
    krippendorff_alpha,
    rating_gaps,
)
from competency_core.analytics.ratings import (
    AnalyticsError,
    Answer,
    PilotData,
    PilotRating,
    load_pilot_data,
    ratings_from_workforce,
    save_pilot_data,
)
from competency_core.analytics.simulate import SimulatedPilot, SimulationSettings, simulate_pilot

__all__ = [
    "AggregatedRating",
    "AnalyticsError",
    "Answer",
    "CompetencyAgreement",
    "CompetencyFeedback",
    "CompetencyFeedbackSummary",
    "Concern",
    "Coverage",
    "DomainReadiness",
    "FeedbackFile",
    "FeedbackPhase",
    "FeedbackSubmission",
    "FeedbackSummary",
    "FlagKind",
    "GapSummary",
    "IntraclassCorrelation",
    "ItemAnalysis",
    "ItemFlag",
    "ItemStats",
    "ItemThresholds",
    "MonitoringReport",
    "NetPromoterScore",
    "Period",
    "PeriodUsage",
    "PilotData",
    "PilotRating",
    "PilotSelection",
    "RatingGap",
    "RatingGapReport",
    "SimulatedPilot",
    "SimulationSettings",
    "StratumCoverage",
    "Trend",
    "UsageEvent",
    "UsageKind",
    "aggregate_ratings",
    "analyse_items",
    "competency_agreement",
    "intraclass_correlation",
    "krippendorff_alpha",
    "load_feedback",
    "load_feedback_file",
    "load_pilot_data",
    "monitor",
    "net_promoter_score",
    "rating_gaps",
    "ratings_from_workforce",
    "save_feedback_file",
    "save_pilot_data",
    "select_pilot",
    "simulate_pilot",
    "store_feedback",
    "summarise_feedback",
]
