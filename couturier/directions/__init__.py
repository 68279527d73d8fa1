"""Directions in a generator's latent space a designer can steer by, named by what they change.

- methods.py: where directions come from. SeFa (Shen & Zhou, CVPR 2021), closed form from the
  weight of the layer that acts on z; GANSpace (Härkönen et al. 2020), PCA of an early layer's
  activations mapped back to z; InterFaceGAN (Shen et al. 2020), a linear SVM's normal that splits
  samples a judge scores high from those it scores low.
- judges.py: what a direction is named by: a classifier's probabilities, CIELab colour, shape.
- moves.py: pictures moved along directions, each direction named by the judge that moves most;
  walks that climb a judge's probability along its gradient, sample by sample.
- latent.py: what a run is steered in: its noise, and a text run's words (their coordinates in the
  principal axes of its catalogue's looks).
- runs.py: a run's samples to judge (its latent, and the class or the words that condition it),
  and the directions file saved with the run (checked against the run's id when it is read).
"""
from couturier.directions.judges import INK, PAPER, Judges, judges_for
from couturier.directions.methods import METHODS, Direction, Space, find, ganspace, latent_weight, sefa
from couturier.directions.moves import STEPS, attribute_direction, monotone_share, move, name_directions, walk

__all__ = ["INK", "METHODS", "PAPER", "STEPS", "Direction", "Space", "Judges", "attribute_direction", "find", "ganspace",
           "judges_for", "latent_weight", "monotone_share", "move", "name_directions", "sefa", "walk"]
