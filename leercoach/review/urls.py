from django.contrib.auth import views as auth_views
from django.urls import include, path

from leercoach.review.views import admin, conversations, handoffs, home, insights

pages = [
    path("", home.home, name="home"),
    path(
        "inloggen/",
        auth_views.LoginView.as_view(template_name="review/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("gesprekken/", conversations.conversation_list, name="conversations"),
    path("gesprekken/<int:number>/", conversations.transcript, name="transcript"),
    path("gesprekken/<int:number>/beoordeling/", conversations.save_review, name="save_review"),
    path("export.<str:kind>", conversations.export, name="export"),
    path("inzichten/", insights.insights_page, name="insights"),
    path("inzichten/<slug:name>.svg", insights.chart, name="chart"),
    path("hulpvragen/", handoffs.queue, name="handoffs"),
    path("hulpvragen/<int:number>/afgehandeld/", handoffs.done, name="handoff_done"),
    path("audit/", admin.audit, name="audit"),
    path("beheer/", admin.manage, name="manage"),
    path("beheer/gebruikers/<int:user_id>/", admin.change_user, name="change_user"),
]
urlpatterns = [path("", include((pages, "review")))]

handler403 = "leercoach.review.views.errors.forbidden"
handler404 = "leercoach.review.views.errors.not_found"
