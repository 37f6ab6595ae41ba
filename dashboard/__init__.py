"""The Dash web app: pages drawn from the measures in `queries`."""
