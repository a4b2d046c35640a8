"""Value objects: desired state (Git), observed state (console), findings. Pydantic v2, frozen."""
