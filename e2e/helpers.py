"""Checks and data look-ups shared by the journeys. Look-ups read the database the live server writes to;
they run between browser steps, never while a request is in flight."""

from __future__ import annotations

from minzheng.accounts.models import User
from minzheng.registry.models import Person
from minzheng.registry.pinyin import name_search_key
from minzheng.registry.selectors import PersonFilters, person_list

MAOJI_VILLAGE = "340471100202"  # 毛集村, the area of the demo user cun_maoji


def assert_styled(page) -> None:
    """Bootstrap, the app stylesheet and htmx reached the page: without them the staff would see browser
    defaults and forms that post whole pages."""
    sheets = page.evaluate("Array.from(document.styleSheets).map(s => s.href || '')")
    assert any(href.endswith("bootstrap.min.css") for href in sheets), sheets
    assert any(href.endswith("web/app.css") for href in sheets), sheets
    bootstrap = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--bs-body-font-size')")
    assert bootstrap.strip(), "Bootstrap's CSS variables are missing: bootstrap.min.css was not applied"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "WenQuanYi" in font, f"app.css was not applied, body font is {font!r}"
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"


def initials_of(name: str) -> str:
    """The initials token of a name's search key (" zhangsan zs " → "zs"), the way staff type it."""
    tokens = name_search_key(name).split()
    return tokens[1]


def searchable_villager(*, username: str = "cun_maoji", page_size: int = 20) -> tuple[Person, str, int]:
    """A living person registered and living in the worker's village, belonging to a household and not on
    the first page of the unfiltered person list (so only the search can bring them into view), together
    with the initials that find them and how many people those initials find. The person whose initials
    find the fewest others is taken, so the search result fits on one page."""
    user = User.objects.get(username=username)
    first_page = set(person_list(user=user).values_list("pk", flat=True)[:page_size])
    candidates = (Person.objects.filter(hukou_area_id=user.area_id, residence_area_id=user.area_id,
                                        death_date__isnull=True, memberships__ended_on__isnull=True)
                  .exclude(pk__in=first_page).order_by("name", "id").distinct())
    best: tuple[int, Person, str] | None = None
    for person in candidates:
        initials = initials_of(person.name)
        found = person_list(user=user, filters=PersonFilters(q=initials)).count()
        if best is None or found < best[0]:
            best = (found, person, initials)
    assert best is not None, f"the demo district has nobody to search for in {user.area_id}"
    found, person, initials = best
    assert found <= page_size
    return person, initials, found


def person_outside(area_code: str) -> Person:
    """A person whose hukou and residence are both outside the area: out of scope for its workers."""
    person = (Person.objects.exclude(hukou_area__code__startswith=area_code)
              .exclude(residence_area__code__startswith=area_code).order_by("id").first())
    assert person is not None
    return person
