from .selectors import markers_awaiting_for


def markers_section(request):
    """Home page, managers: markers of their agency waiting for authorisation (FLG-2)."""
    user = request.user
    if not (user.works_with_families and user.is_manager):
        return None
    urgent = list(markers_awaiting_for(manager=user).values_list("urgent", flat=True))
    if not urgent:
        return None
    return {"template": "markers/_home.html", "count": len(urgent), "urgent": sum(urgent)}
