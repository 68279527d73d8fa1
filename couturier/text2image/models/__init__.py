"""The text-conditional GANs, one registered model per file (the model registry imports this
package beside couturier.models)."""
