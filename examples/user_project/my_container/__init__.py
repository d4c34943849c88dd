"""A SageMaker container for a LoRA engine."""
