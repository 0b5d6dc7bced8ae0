"""Everything the Rasa YAML files name: NLU components (config.yml), the tracker store (endpoints.yml),
input channels (credentials.yml) and the one measured patch to Rasa itself (`speedups`).

Why in one place: these are the only modules that import Rasa's server-side internals, so a Rasa upgrade is
checked here and nowhere else.
"""
