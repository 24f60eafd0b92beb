from django.apps import AppConfig


class RakwonSiteConfig(AppConfig):
    name = "rakwon_site"
    verbose_name = "Rakwon"
