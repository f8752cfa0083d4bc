"""Counterfactual sentences for the one pattern the PhraseBank almost never shows: a loss going
up or down. "Net profit rose" is positive and "net loss rose" negative, but the PhraseBank has
four sentences about a loss growing, so a model learns "rose is good". From each training
sentence whose sole subject is a profit moving in a direction, this makes the same sentence about
a loss, with the label flipped, and once more with the loss "widened" or "narrowed". Only ever
applied to the training split: the held-out and validation sentences stay as annotated."""
import re

UP = ('rose', 'increased', 'grew', 'jumped', 'improved', 'climbed', 'surged', 'doubled', 'tripled', 'went up', 'was up')
DOWN = ('fell', 'decreased', 'declined', 'dropped', 'slumped', 'plunged', 'went down', 'was down')
LEVEL = ('totalled', 'totaled', 'amounted')
PATTERN = re.compile(
    r'\b((?:operating|net|pre-?tax|pretax|gross|quarterly|comparable operating)\s+)?profit\b(\s+(?:\w+\s+){0,2}?)('
    + '|'.join(UP + DOWN + LEVEL) + r')\b',
    re.I,
)
# A second sentiment-bearing subject makes the flipped label a guess.
OTHER_SUBJECT = re.compile(r'\b(sales|revenue|revenues|orders|loss|losses|turnover|margin)\b', re.I)
POSITIVE, NEGATIVE = 0, 1


def counterfactuals(rows):
    """rows: (sentence, label, agreement). Returns the new rows (the input is not included)."""
    out = []
    for sentence, label, agreement in rows:
        if label not in (POSITIVE, NEGATIVE) or OTHER_SUBJECT.search(sentence):
            continue
        matches = PATTERN.findall(sentence)
        if len(matches) != 1:
            continue
        flipped = NEGATIVE if label == POSITIVE else POSITIVE
        m = PATTERN.search(sentence)
        qualifier, between, verb = m.group(1) or '', m.group(2), m.group(3)
        as_loss = f'{qualifier}loss{between}{verb}'
        out.append((sentence[: m.start()] + as_loss + sentence[m.end():], flipped, agreement))
        moved = 'widened' if verb.lower() in UP else 'narrowed' if verb.lower() in DOWN else None
        if moved:
            out.append((sentence[: m.start()] + f'{qualifier}loss{between}{moved}' + sentence[m.end():], flipped, agreement))
    return out
