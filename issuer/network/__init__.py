"""The network of structures sharing this instance: creating structures, the network's figures."""
