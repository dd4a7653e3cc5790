"""The topic model: a scikit-learn classifier for residents' messages, and its Rasa component wrapper."""
