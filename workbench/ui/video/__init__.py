"""The video coder view: frame-exact player, keyboard coding, events table, timeline, ratings."""
