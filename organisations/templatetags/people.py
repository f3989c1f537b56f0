"""`{{ user|person:partners }}`: a person's name, with the partner they speak for."""

from django import template

from organisations.people import name_of

register = template.Library()


@register.filter
def person(user, partners=None) -> str:
    return name_of(user, partners)
