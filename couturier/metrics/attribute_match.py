"""Does the picture match the words? The share of samples whose attributes (colour, article type,
gender...), as an attribute classifier predicts them, equal the ones their description asked for.

Needs `extra["attribute_judge"]` (a trained couturier.metrics.attributes.AttributeJudge) and
`extra["attributes"]` ({attribute: [wanted value per sample]}); attributes the classifier has no
head for are left out.
"""
from __future__ import annotations

from couturier.metrics.attributes import match_rates
from couturier.metrics.registry import Judgement, register_metric


@register_metric("attribute_match", columns=("attribute_match",),
                 applies=lambda j: "attribute_judge" in j.extra and "attributes" in j.extra, order=60)
def attribute_match(j: Judgement) -> dict:
    judge = j.extra["attribute_judge"]
    _, predicted = judge.predict(j.images)
    wanted = {name: values for name, values in j.extra["attributes"].items() if name in judge.classes}
    rates = match_rates(predicted, wanted, judge.classes)
    return {"attribute_match": rates["all"], **{f"attribute_match_{name}": v for name, v in rates.items()
                                                 if name != "all"}}
