"""Training: the loop, checkpoints and run-folder logging."""
from couturier.checkpoint import CheckpointError, load_checkpoint
from couturier.train.trainer import RunDirError, Trainer, TrainingDiverged

__all__ = ["Trainer", "TrainingDiverged", "RunDirError", "CheckpointError", "load_checkpoint"]
