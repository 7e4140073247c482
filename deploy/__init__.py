"""Deployment: nginx in front of csc-dash replicas (see docs/DEPLOYMENT.md)."""
