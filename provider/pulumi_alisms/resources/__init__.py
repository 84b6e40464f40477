"""Pulumi dynamic resources: one module per resource (Args, Resource, Provider)."""
