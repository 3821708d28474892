"""GitLab: merge-request pipelines (event), the REST API v4 (client), the diff and posting."""
