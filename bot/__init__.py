"""Tanya Imigrasi Bengkulu: the assistant's command line, Rasa seam and front ends."""
