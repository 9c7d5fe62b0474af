"""The framework's pages as people read them — page sets, charts and their rendering to HTML —
drawn the same way by the app (web/frameworks/) and by the static site (site/), which both sit
above this package. Nothing here knows the web app: no models, no requests, no database."""
