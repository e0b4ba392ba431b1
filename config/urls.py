from django.contrib.auth import views as auth_views
from django.urls import include, path

from doorstep.agencies.admin import site as admin_site
from doorstep.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", core_views.language, name="language"),
    path("session/extend/", core_views.session_extend, name="session_extend"),
    path("families/", include("doorstep.families.urls")),
    path("audit/", include("doorstep.audit.urls")),
    path("agencies/", include("doorstep.agencies.urls")),
    path("admin/", admin_site.urls),
    path("api/v1/", include("config.api")),
]
