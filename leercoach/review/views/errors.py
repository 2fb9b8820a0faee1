from django.shortcuts import render


def csrf_failure(request, reason=""):
    return render(request, "review/csrf_failure.html", status=403)


def forbidden(request, exception=None):
    return render(request, "review/403.html", status=403)


def not_found(request, exception=None):
    return render(request, "review/404.html", status=404)
