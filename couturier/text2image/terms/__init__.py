"""The text objective's terms besides the adversarial loss, one file each."""
