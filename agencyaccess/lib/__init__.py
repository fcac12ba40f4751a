"""Small building blocks with no models: ids, timestamps, crypto, outbound HTTP."""
