"""The cahier des Open Badges: its content, the tree map, images, and the PDF rendering."""
