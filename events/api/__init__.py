"""The organisers' REST API (django-ninja; docs/api.md): the event, its sessions and registrations
here; halls, exhibitors, booths and leads in exhibits/api. rakwon_site/api.py puts them together."""
