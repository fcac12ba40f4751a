# The notification flags became notify.NotificationSetting rows (notify 0004 copies them over).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_dashboard_accounts'),
        ('notify', '0004_teammate_notifications'),
    ]

    operations = [
        migrations.RemoveField(model_name='membership', name='notify_intake_completed'),
        migrations.RemoveField(model_name='membership', name='notify_link_completed'),
        migrations.RemoveField(model_name='membership', name='notify_service_granted'),
    ]
