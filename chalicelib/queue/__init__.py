"""The virtual queue: buyers admitted to an on-sale at a set rate, in arrival order."""
