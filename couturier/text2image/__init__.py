"""Text to image: garments from written descriptions, a wing of its own on top of the generic layers.

What lives here and nowhere else:

- models/: the registered text-conditional GANs (`text2image`, `projected-text2image`), found by the
  model registry like any image GAN; networks.py their G and D;
- the objective's terms besides the adversarial loss: the attribute classifier and its twin
  (attributes.py), the sentence-image contrastive loss (contrastive.py);
- the prompt reader: text encoders chosen by name (encoders/), reading a designer's words in the
  catalogue's (grounding.py, lexicon.py, colours.py);
- the training data (data.py: a catalogue's photos with composed descriptions) and the training
  monitor of variety across seeds (monitor.py).

The generic layers (config, train, sampling, data, models/base.py, losses) know nothing of it: a
model owns its objective, its options and what it is conditioned on (tests/test_package.py).
"""
