"""The demo county (云溪县, fictional): organization and catalog data, and the loader that installs them."""
