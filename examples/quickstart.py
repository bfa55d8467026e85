"""A first tour of the competency-core API: load, inspect, translate, build, save.

Run it from anywhere: ``.venv/bin/python examples/quickstart.py``.
"""

import tempfile
from collections import Counter
from pathlib import Path

import competency_core as cc

HERE = Path(__file__).parent

# Load a model from YAML; an invalid file raises ModelValidationError listing every problem.
model = cc.load_model(HERE / "software-engineering.yaml")
print(f"{model.text(model.name)} {model.version} ({model.status})")
for domain, count in sorted(Counter(c.domain for c in model.competencies).items()):
    print(f"  {domain:12} {count} competencies")
for role in sorted(model.roles, key=lambda r: (r.track or "", r.level or 0)):
    essential = sum(req.essential for req in role.requirements)
    title = model.text(role.title)
    print(f"  {title:34} {len(role.requirements)} requirements ({essential} essential)")

# Texts are looked up per language, falling back to the model's default language.
cs = cc.load_model(HERE / "customer-success.yaml")
negotiation = cs.competency("negotiation")
level = cs.scale_of("negotiation").level(3)
print(f"\n{cs.text(negotiation.name, 'sv')}, nivå 3 ({cs.text(level.label, 'sv')}):")
for indicator in negotiation.indicators_at(3):
    print(f"  - {cs.text(indicator.text, 'sv')}")

# Build a tiny model in code; cross-references are checked when it is created.
labels = ("Basic", "Good", "Great")
scale = cc.ProficiencyScale(
    key="three",
    name="Three levels",
    proficient=2,
    levels=tuple(cc.ProficiencyLevel(value=v, label=lb) for v, lb in enumerate(labels, 1)),
)
python = cc.Competency(
    key="python",
    name="Python",
    scale="three",
    indicators={2: (cc.BehaviouralIndicator(text="Writes tested functions."),)},
)
developer = cc.RoleProfile(
    key="dev", title="Developer", requirements=(cc.Requirement(competency="python", level=2),)
)
tiny = cc.CompetencyModel(
    key="tiny", name="Tiny model", scales=(scale,), competencies=(python,), roles=(developer,)
)

# Save it and load it back: the round trip gives an equal model.
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "tiny.yaml"
    cc.save_model(tiny, path)
    print(f"\nSaved {path.name}, reloaded equal: {cc.load_model(path) == tiny}")
