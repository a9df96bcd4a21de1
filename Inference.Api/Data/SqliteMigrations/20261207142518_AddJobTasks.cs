using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Inference.Api.Data.SqliteMigrations
{
    /// <inheritdoc />
    public partial class AddJobTasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Parameters",
                table: "batch_jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Embedding",
                table: "batch_job_results",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Parameters",
                table: "batch_jobs");

            migrationBuilder.DropColumn(
                name: "Embedding",
                table: "batch_job_results");
        }
    }
}
